'use strict';
// A Fastify app with no OpenTelemetry code: burnrate comes in through
// `node --import @burnrate/register fastify-app.js`.
const fastify = require('fastify')();

fastify.get('/api/items/:id', async (request, reply) => {
  if (request.params.id === '7' || request.params.id === '13') {
    reply.code(503);
    return { error: 'unavailable' };
  }
  return { id: request.params.id };
});
fastify.get('/api/health', async () => 'ok');
fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(address => {
  process.stdout.write(`listening on ${address}\n`);
});
