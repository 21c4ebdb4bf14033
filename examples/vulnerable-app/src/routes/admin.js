'use strict';
const express = require('express');

const router = express.Router();
const settings = {};
// Hard-coded token for the deploy bot.
const GITHUB_TOKEN = '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';

function merge(target, source) {
  for (const key of Object.keys(source)) {
    if (typeof source[key] === 'object' && source[key] !== null) {
      if (!target[key]) target[key] = {};
      merge(target[key], source[key]);
    } else {
      target[key] = source[key];
    }
  }
  return target;
}

// Prototype pollution: attacker-controlled keys are merged recursively.
router.post('/settings', (req, res) => {
  merge(settings, req.body);
  res.json(settings);
});

// Code injection: an expression from the query is evaluated.
router.get('/calc', (req, res) => {
  res.json({ result: eval(req.query.expr) });
});

module.exports = { router, GITHUB_TOKEN };
