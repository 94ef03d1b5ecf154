import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  HTTP_REQUEST_METHOD_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';

/** The issuer's endpoints (oidc-provider's default routes): the only values `http.route` takes. */
const ROUTES: ReadonlySet<string> = new Set([
  '/.well-known/openid-configuration',
  '/jwks',
  '/token',
  '/token/introspection',
  '/token/revocation',
]);
const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Wraps the issuer's request handler in an HTTP SERVER span by the stable HTTP semantic conventions (`POST /token`,
 * `http.request.method`, `url.path`, `http.route`, `http.response.status_code`; ERROR for 5xx), continuing the trace
 * context of the request's headers (the propagators the OpenTelemetry SDK registered), and runs the handler inside
 * it: a token exchange is one span of the caller's trace. The query string is not recorded. Without an SDK the span
 * is the API's no-op.
 *
 * @example
 * ```ts
 * const server = createServer(tlsOptions, tracedRequests((req, res) => void handle(req, res)));
 * ```
 */
export function tracedRequests(handler: Handler): Handler {
  const tracer = trace.getTracer('@rampart/issuer');
  return (req, res) => {
    const method = METHODS.has(req.method ?? '') ? (req.method as string) : HTTP_REQUEST_METHOD_VALUE_OTHER;
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const route = ROUTES.has(path) ? path : undefined;
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_URL_PATH]: path,
      [ATTR_URL_SCHEME]: 'https',
      ...(route === undefined ? {} : { [ATTR_HTTP_ROUTE]: route }),
    };
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(route === undefined ? method : `${method} ${route}`, { kind: SpanKind.SERVER, attributes }, parent);
    res.once('close', () => {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (res.statusCode >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, String(res.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    });
    context.with(trace.setSpan(parent, span), handler, undefined, req, res);
  };
}
