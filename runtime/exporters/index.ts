// fncache.macro/exporters: fncache's metrics for prom-client registries and OpenTelemetry. Both
// libraries are optional peers: prom-client is never imported (duck-typed metrics), and
// @opentelemetry/api only when registerOpenTelemetry() runs without a meter.

export { registerPrometheus, type PromRegistry, type PrometheusOptions } from './prometheus.js'
export { registerOpenTelemetry, type OpenTelemetryOptions, type OtelMeter } from './opentelemetry.js'
