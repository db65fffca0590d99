import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'server',
    root: __dirname,
    environment: 'node',
    include: ['src/**/__tests__/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
