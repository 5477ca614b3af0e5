/** The public API: `build()` and the types it works with. */
export { build, FORMATS, type BuildOptions, type BuildResult, type Format } from './build.ts';
export { bookConfigSchema, loadConfig, type BookConfig, type BookConfigInput } from './config.ts';
export { loadBook } from './content/load.ts';
export { Diagnostics, formatDiagnostic, type Diagnostic } from './diagnostics.ts';
export type { Progress } from './progress.ts';
export type { Article, Asset, Book, Heading } from './types.ts';
