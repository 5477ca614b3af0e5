/**
 * An edition's templates: the same templates, with the interface words
 * (labels.yaml, epub/labels.yaml) converted to the edition's script, so a
 * Traditional edition says 目錄 and 上一篇 in Traditional characters.
 */
import type { Labels, Templates } from '../templates.ts';
import { converterFor } from './convert.ts';
import type { Edition } from './edition.ts';

export function editionTemplates(templates: Templates, edition: Edition, bookLang: string): Templates {
  const script = edition.script;
  if (!script) return templates;
  const convert = (lang: string) => converterFor(script, lang);
  const labels = (lang: string): Labels => {
    const words = templates.labels(lang);
    // The labels are written in Simplified (and Traditional) Chinese: converted to the edition's script.
    const c = convert(/^zh\b/i.test(lang) ? 'zh-CN' : lang);
    return c ? Object.fromEntries(Object.entries(words).map(([k, v]) => [k, c(v)])) : words;
  };
  return {
    ...templates,
    labels,
    read: async (name) => {
      const text = await templates.read(name);
      const c = /labels\.ya?ml$/.test(name) ? convert(/^zh\b/i.test(bookLang) ? 'zh-CN' : bookLang) : undefined;
      return c ? c(text) : text;
    },
  };
}
