'use strict';
// A Koa app with @koa/router and no OpenTelemetry code: burnrate comes in through
// `node --import @burnrate/register koa-app.js`.
const Koa = require('koa');
const Router = require('@koa/router');

const app = new Koa();
const router = new Router();
router.get('/api/items/:id', ctx => {
  if (ctx.params.id === '7' || ctx.params.id === '13') {
    ctx.status = 503;
    ctx.body = { error: 'unavailable' };
    return;
  }
  ctx.body = { id: ctx.params.id };
});
router.get('/api/health', ctx => {
  ctx.body = 'ok';
});
app.use(router.routes());
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(`listening on ${server.address().port}\n`);
});
