import { defineConfig } from 'vitest/config';

// One run, several projects: each workspace brings its own project config.
export default defineConfig({
  test: {
    projects: [
      'shared/vitest.config.ts',
      'server/vitest.config.ts',
      'miniapp/vitest.config.ts',
      'e2e/vitest.config.ts',
    ],
  },
});
