import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/**
 * Storefront tests. Components and pages render in jsdom with the plain-DOM component library Taro's H5 build
 * uses (@tarojs/components-react); tests that need the platform mock @tarojs/taro (see test/fake-taro.ts).
 * test/weapp-smoke.test.ts switches itself to the node environment and runs the compiled weapp build instead.
 */
export default defineProject({
  // Taro's compile-time flags: the H5 flavour of the code is the one that runs in jsdom.
  define: {
    'process.env.TARO_ENV': JSON.stringify('h5'),
    'process.env.TARO_PLATFORM': JSON.stringify('web'),
    ENABLE_INNER_HTML: 'true',
    ENABLE_ADJACENT_HTML: 'true',
    ENABLE_SIZE_APIS: 'true',
    ENABLE_TEMPLATE_CONTENT: 'true',
    ENABLE_CLONE_NODE: 'true',
    ENABLE_CONTAINS: 'true',
    ENABLE_MUTATION_OBSERVER: 'true',
    // The H5 build's component adapter flag (Taro defines it for H5 builds).
    DEPRECATED_ADAPTER_COMPONENT: 'false',
  },
  resolve: {
    alias: [
      { find: /^@tarojs\/components$/, replacement: '@tarojs/components-react' },
      { find: /^@siyu\/shared$/, replacement: here('../shared/src/index.ts') },
    ],
  },
  test: {
    name: 'miniapp',
    root: here('.'),
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}', 'src/**/__tests__/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    server: { deps: { inline: [/@tarojs\/components-react/] } },
  },
});
