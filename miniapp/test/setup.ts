/**
 * Globals Taro's own packages expect from their compiler when they are loaded as-is (not transformed by vite),
 * and Testing Library's cleanup between tests.
 */
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

const flags = [
  'ENABLE_INNER_HTML',
  'ENABLE_ADJACENT_HTML',
  'ENABLE_SIZE_APIS',
  'ENABLE_TEMPLATE_CONTENT',
  'ENABLE_CLONE_NODE',
  'ENABLE_CONTAINS',
  'ENABLE_MUTATION_OBSERVER',
] as const;
for (const flag of flags) (globalThis as Record<string, unknown>)[flag] = true;
(globalThis as Record<string, unknown>).DEPRECATED_ADAPTER_COMPONENT = false;
process.env.TARO_ENV ??= 'h5';

afterEach(() => {
  if (typeof document !== 'undefined') cleanup();
});
