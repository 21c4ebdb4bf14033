'use strict';
const express = require('express');
const fs = require('fs');
const path = require('path');
const { exec } = require('child_process');
const axios = require('axios');

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

// Server-side request forgery: the server fetches any URL it is given.
router.get('/preview', async (req, res) => {
  const response = await axios.get(req.query.url);
  res.send(response.data);
});

module.exports = { router };
