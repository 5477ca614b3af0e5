/**
 * EPUB profiles: what differs between the EPUB for every EPUB 3 reading
 * system (`standard`, the default) and the one for Amazon's Kindle
 * (`kindle`: Send to Kindle and KDP, which convert EPUB into their own
 * formats). Everything else (fonts, CSS without custom properties or grid,
 * EPUB 3 notes, nav, landmarks, NCX) is the same in both: it is within what
 * Kindle, Apple Books, Kobo and KOReader all accept.
 */

export const EPUB_PROFILES = ['standard', 'kindle'] as const;
export type EpubProfile = (typeof EPUB_PROFILES)[number];

export interface ProfileRules {
  /**
   * Levels of the table of contents (navigation document and NCX). Kindle's
   * guidelines: its devices and apps show two levels; deeper entries are
   * flattened or lost, so the Kindle TOC stops at the articles' sections.
   */
  tocDepth: number;
  /**
   * The generated cover's image format. Kindle's guidelines ask for a JPEG
   * cover; other reading systems show PNG as well, without JPEG's artefacts
   * around text.
   */
  coverFormat: 'png' | 'jpeg';
  /**
   * Whether text keeps the theme's colours and backgrounds (grey bylines and
   * quotes, rust links, code colours, the code blocks' tint). Kindle's
   * guidelines ask not to colour body text: its dark and sepia themes
   * recolour only text without a colour of its own, and a light background
   * under recoloured light text is unreadable. Links stay underlined.
   */
  colours: boolean;
}

const RULES: Readonly<Record<EpubProfile, ProfileRules>> = {
  standard: { tocDepth: 3, coverFormat: 'png', colours: true },
  kindle: { tocDepth: 2, coverFormat: 'jpeg', colours: false },
};

export function profileRules(profile: EpubProfile): ProfileRules {
  return RULES[profile];
}

/** The stylesheet without `color` and `background` declarations (for profiles without colours); borders stay. */
export function withoutColours(css: string): string {
  return css.replace(/(^|[;{\s])(color|background(-color)?)\s*:[^;}]*;?/g, '$1');
}
