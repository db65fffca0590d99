/**
 * Where the API lives. The H5 storefront is served by the API server itself, so it calls same-origin `/api`.
 * A mini-program has no origin: the weapp build calls an absolute URL fixed at build time from
 * TARO_APP_API_BASE (config/index.ts puts it into Taro's `env`, which defines `process.env.TARO_APP_API_BASE`).
 */
export const API_BASE: string =
  process.env.TARO_ENV === 'h5' ? '/api' : process.env.TARO_APP_API_BASE || 'http://127.0.0.1:3000/api';
