'use strict';
const express = require('express');
const crypto = require('crypto');
const jwt = require('jsonwebtoken');
const _ = require('lodash');
const { pool } = require('../db');

const router = express.Router();
const JWT_SECRET = 'super-secret-signing-key-2024';

function hashPassword(password) {
  // Weak: MD5 is not a password hash.
  return crypto.createHash('md5').update(password).digest('hex');
}

function resetToken() {
  // Weak: Math.random is predictable.
  return Math.random().toString(36).slice(2);
}

// SQL injection: the id is concatenated into the query.
router.get('/:id', (req, res) => {
  pool.query("SELECT id, name FROM users WHERE id = '" + req.params.id + "'", (err, rows) => {
    if (err) return res.status(500).end();
    res.json(rows[0] ? _.pick(rows[0], ['id', 'name']) : null);
  });
});

router.post('/login', (req, res) => {
  const { name, password } = req.body;
  pool.query(`SELECT * FROM users WHERE name = '${name}' AND password = '${hashPassword(password)}'`, (err, rows) => {
    if (err || rows.length === 0) return res.status(401).end();
    res.json({ token: jwt.sign({ sub: rows[0].id }, JWT_SECRET) });
  });
});

router.post('/reset', (req, res) => {
  res.json({ token: resetToken() });
});

// Open redirect.
router.get('/logout', (req, res) => {
  res.redirect(req.query.next);
});

module.exports = { router, hashPassword };
