/** Splits text into lines without the line break (CRLF-safe; a file with only CR breaks, as old Mac editors write, too). */
export function splitLines(text: string): string[] {
  // Only in a file without a single LF is a CR a line break: elsewhere lines stay as every other reader counts them.
  const lines = text.split(text.includes('\n') || !text.includes('\r') ? '\n' : '\r');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return lines;
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
