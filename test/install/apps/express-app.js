'use strict';
// An Express app with no OpenTelemetry code: burnrate comes in through
// `node --import @burnrate/register express-app.js`.
const express = require('express');

const app = express();
app.get('/api/items/:id', (req, res) => {
  if (req.params.id === '7' || req.params.id === '13') {
    res.status(503).json({ error: 'unavailable' });
    return;
  }
  res.json({ id: req.params.id });
});
app.get('/api/health', (_req, res) => {
  res.send('ok');
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(`listening on ${server.address().port}\n`);
});
