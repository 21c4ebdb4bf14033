'use strict';
const express = require('express');
const fs = require('fs');
const path = require('path');
const { exec } = require('child_process');

const router = express.Router();
const UPLOADS = path.join(__dirname, '..', '..', 'uploads');

// Path traversal: the name comes straight from the URL.
router.get('/download/:name', (req, res) => {
  res.sendFile(path.join(UPLOADS, req.params.name));
});

// Path traversal through fs.
router.get('/read', (req, res) => {
  fs.readFile(UPLOADS + '/' + req.query.file, 'utf8', (err, data) => {
    if (err) return res.status(404).end();
    res.send(data);
  });
});

// Command injection: the archive name reaches a shell.
router.post('/compress', (req, res) => {
  const name = req.body.name;
  exec(`tar czf /tmp/${name}.tgz ${UPLOADS}`, (err) => {
    res.json({ ok: !err });
  });
});

module.exports = { router };
