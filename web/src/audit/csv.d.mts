/** CSV text (a byte order mark, comma separated, quoted fields with doubled quotes) as rows. */
export function parseCsv(text: string): string[][];
