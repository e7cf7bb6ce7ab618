/** "neglect-awareness" for "Neglect Awareness!": a title as the safe, short part of a download's file name. */
export const fileNamePart = (title: string, fallback: string) =>
  title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '') || fallback;
