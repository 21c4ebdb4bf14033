'use strict';
const express = require('express');
const { router: files } = require('./routes/files');
const { router: users } = require('./routes/users');
const { router: admin } = require('./routes/admin');

const app = express();
app.use(express.json());
app.use('/files', files);
app.use('/users', users);
app.use('/admin', admin);

const port = Number(process.env.PORT || 3000);
app.listen(port, () => console.log(`vulnerable-app listening on ${port}`));
