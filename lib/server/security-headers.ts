import { randomBytes } from "node:crypto";

/**
 * Headers on every response. The Content-Security-Policy allows scripts only with this response's
 * nonce (Next.js reads it from the request's CSP header and puts it on its own scripts), and
 * 'strict-dynamic' lets those load the page's chunks. Styles may be inline: React renders style
 * attributes, which a nonce cannot cover, and styles cannot run code.
 */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    // Next's development runtime evaluates code and talks to its reload socket; production does neither.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function securityHeaders(path: string | null, nonce: string, dev: boolean): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(nonce, dev),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    // A share link's viewer must not tell other sites which link was opened.
    "Referrer-Policy": path?.startsWith("/s/") ? "no-referrer" : "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
}
