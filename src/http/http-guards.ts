/**
 * Guards every local HTTP server of the project puts in front of its routes: only requests addressed to a
 * host it expects (a page on another site that rebinds its own name to 127.0.0.1 — DNS rebinding — still
 * sends its own name in `Host`), small bodies counted while they stream, and headers that keep the pages
 * from being framed or sniffed. Hono's own middleware does the body limit and the headers.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';

/** Bodies the servers accept; a command line is a few hundred bytes. */
export const BODY_LIMIT_BYTES = 16 * 1024;

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** The name part of a `Host` header (`[::1]:8080` → `::1`), lower case; undefined when it is unusable. */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed !== null) return bracketed[1];
  const plain = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(value);
  return plain?.[1]?.replace(/\.$/, '');
}

export function isLoopbackName(name: string): boolean {
  return LOOPBACK_NAMES.has(name) || name.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(name);
}

/** A bind address that only this machine can reach. */
export function isLoopbackBind(host: string): boolean {
  return isLoopbackName(
    host
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, ''),
  );
}

export interface HostAllowListOptions {
  /** The address the server binds to; a specific (non-wildcard) one is allowed as a host name too. */
  bindHost: string;
  /** More names, e.g. the machine's name on the LAN or a compose service name. */
  extra?: readonly string[];
}

/** Answers 421 (Misdirected Request) to a request whose `Host` is not loopback, the bind address or `extra`. */
export function hostAllowList(options: HostAllowListOptions): MiddlewareHandler {
  const allowed = new Set((options.extra ?? []).map((h) => h.trim().toLowerCase()));
  const bind = options.bindHost
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (!WILDCARDS.has(bind)) allowed.add(bind);
  return async (c, next) => {
    const name = hostName(c.req.header('host'));
    if (name === undefined || !(isLoopbackName(name) || allowed.has(name)))
      return c.json(
        { error: 'unknown Host; this server answers only to its own names (HTTP_ALLOWED_HOSTS)' },
        421,
      );
    await next();
  };
}

/** 413 for a body over the limit: refused by its Content-Length, or counted while it streams. */
export function smallBodies(maxSize = BODY_LIMIT_BYTES): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) => c.json({ error: `request body over ${maxSize} bytes` }, 413),
  });
}

/** CSP without inline script or style, no framing, no sniffing, no referrer to other sites. */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    xContentTypeOptions: 'nosniff',
    referrerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
  });
}

/** The `host` of an http(s) `Origin` header; undefined for `null`, garbage or other schemes. */
export function originHost(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : undefined;
  } catch {
    return undefined;
  }
}
