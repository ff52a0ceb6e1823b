import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import {
  HttpInstrumentation,
  type HttpInstrumentationConfig,
} from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import FastifyOtelInstrumentation from '@fastify/otel';

/**
 * The instrumentations `register` loads, by the short names of
 * `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `OTEL_NODE_DISABLED_INSTRUMENTATIONS`
 * (the convention of `@opentelemetry/auto-instrumentations-node`). The
 * framework ones give server spans their route template (`http.route`,
 * `/api/items/:id`), which SLO route patterns with parameters need.
 */
export const REGISTER_INSTRUMENTATIONS = [
  'http',
  'express',
  'fastify',
  'koa',
  'nestjs-core',
  'grpc',
];

/**
 * A `require` that resolves from the application: the folder of the main
 * script (`node --import … app.js`), else the working directory.
 */
export function appRequire(mainScript: string | undefined, cwd: string): NodeJS.Require {
  const base = mainScript ? resolve(cwd, mainScript) : resolve(cwd, 'package.json');
  return createRequire(mainScript ? resolve(dirname(base), 'noop.js') : base);
}

function names(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

/**
 * The instrumentations to start: the application's own
 * `@opentelemetry/auto-instrumentations-node` when it has one (resolved from
 * the application, not the working directory), else the HTTP instrumentation
 * and the Express, Fastify, Koa, NestJS and gRPC ones, filtered by
 * `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `OTEL_NODE_DISABLED_INSTRUMENTATIONS`.
 * `http` configures the HTTP instrumentation (say, to leave the Prometheus
 * scrapes untraced). Returns the instances and the names loaded.
 */
export function registerInstrumentations(
  http: HttpInstrumentationConfig,
  require: NodeJS.Require,
  env: NodeJS.ProcessEnv = process.env
): { instrumentations: unknown[]; names: string[] } {
  try {
    const auto = require('@opentelemetry/auto-instrumentations-node') as {
      getNodeAutoInstrumentations(config: Record<string, unknown>): unknown[];
    };
    return {
      instrumentations: auto.getNodeAutoInstrumentations({
        '@opentelemetry/instrumentation-http': http,
      }),
      names: ["the application's @opentelemetry/auto-instrumentations-node"],
    };
  } catch {
    // none installed: the bundled set
  }
  const enabled = names(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS) ?? REGISTER_INSTRUMENTATIONS;
  const disabled = names(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS) ?? [];
  const wanted = REGISTER_INSTRUMENTATIONS.filter(
    n => enabled.includes(n) && !disabled.includes(n)
  );
  const make: Record<string, () => unknown> = {
    http: () => new HttpInstrumentation(http),
    express: () => new ExpressInstrumentation(),
    // registers itself on every Fastify instance and sets the route on the HTTP span
    fastify: () => new FastifyOtelInstrumentation({ registerOnInitialization: true }),
    koa: () => new KoaInstrumentation(),
    'nestjs-core': () => new NestInstrumentation(),
    grpc: () => new GrpcInstrumentation(),
  };
  return { instrumentations: wanted.map(n => make[n]()), names: wanted };
}
