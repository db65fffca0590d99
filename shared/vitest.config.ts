import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'shared', root: __dirname, environment: 'node', include: ['test/**/*.test.ts'] },
});
