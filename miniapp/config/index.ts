import path from 'node:path';
import { defineConfig } from '@tarojs/cli';
import type { IProjectConfig } from '@tarojs/taro/types/compile';
import devConfig from './dev';
import prodConfig from './prod';

/** The shared workspace is TypeScript source (`main: src/index.ts`), so Taro must compile it like our own. */
const sharedSource = path.resolve(__dirname, '../../shared/src');

const isH5 = process.env.TARO_ENV === 'h5';

/**
 * The H5 platform plugin resolves `@tarojs/router` from its own folder; in this workspace's install the router
 * sits nested under @tarojs/taro-h5, where that lookup misses and the build fails. Point webpack at it directly.
 */
function h5RouterDir(): string | undefined {
  try {
    const taroH5 = path.dirname(require.resolve('@tarojs/taro-h5/package.json', { paths: [__dirname] }));
    return path.dirname(require.resolve('@tarojs/router/package.json', { paths: [taroH5] }));
  } catch {
    return undefined;
  }
}

/**
 * The weapp build talks to an absolute API URL (a mini-program has no origin of its own); the H5 build is
 * served by the API server itself and always calls same-origin `/api` (see src/api/base.ts).
 */
const weappApiBase = process.env.TARO_APP_API_BASE || 'http://127.0.0.1:3000/api';

type Merge = (...configs: Array<object | null | undefined>) => object;

export default defineConfig<'webpack5'>(async (merge: Merge) => {
  const baseConfig: IProjectConfig<'webpack5'> = {
    projectName: 'siyu-mall',
    date: '2026-11-22',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    // Two outputs side by side so one build never overwrites the other.
    outputRoot: isH5 ? 'dist-h5' : 'dist',
    plugins: [],
    env: {
      TARO_APP_API_BASE: JSON.stringify(weappApiBase),
    },
    alias: {
      '@siyu/shared': sharedSource,
    },
    defineConstants: {},
    // The H5 page's root-font-size script is a file of its own (the CSP allows no inline script).
    copy: {
      patterns: isH5 ? [{ from: 'src/root-font-size.js', to: 'dist-h5/root-font-size.js' }] : [],
      options: {},
    },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: [sharedSource] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      // Plain DOM components (<button>, <input>) instead of web components: lighter, and the same library the
      // component tests render with (@tarojs/components-react).
      useHtmlComponents: true,
      router: { mode: 'browser' },
      compile: { include: [sharedSource] },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
      webpackChain(chain) {
        const routerDir = h5RouterDir();
        if (routerDir) chain.resolve.alias.set('@tarojs/router$', routerDir);
        // Taro splits only initial chunks, so every lazily loaded page carried its own copy of the shared code
        // (zod, dayjs, the components): about 200 KB a page. Sharing it across pages roughly halves dist-h5.
        const splitChunks = chain.optimization.get('splitChunks');
        if (splitChunks) chain.optimization.splitChunks({ ...splitChunks, chunks: 'all' });
      },
    },
  };

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig);
  }
  return merge({}, baseConfig, prodConfig);
});
