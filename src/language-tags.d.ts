/** Types for language-tags 2.x (the parts src/lang-tag.ts uses), which ships none. */
declare module 'language-tags' {
  interface Subtag {
    type(): string;
    format(): string;
    deprecated(): string | null;
    preferred(): Subtag | null;
  }
  interface TagError extends Error {
    code: number;
    subtag?: string;
  }
  interface Tag {
    valid(): boolean;
    errors(): TagError[];
    format(): string;
    subtags(): Subtag[];
    deprecated(): string | undefined;
    preferred(): Tag | null;
  }
  interface Tags {
    (tag: string): Tag;
    language(subtag: string): Subtag | null;
  }
  const tags: Tags;
  export default tags;
}
