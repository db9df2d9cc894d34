/**
 * The ```bash blocks of one README section, in order, exactly as written. A section runs from its heading
 * (`## …` to `#### …`, matched on the heading's text) to the next heading of any level, so a subsection's blocks
 * are its own, never its parent's. Lines inside any fence are never taken for headings, and only ```bash fences
 * are commands (a bare ``` block shows output to the reader).
 * @example readmeBlocks(readFileSync("README.md", "utf8"), "Shadow traffic")[0]
 */
export function readmeBlocks(markdown: string, heading: string): string[] {
  const blocks: string[] = [];
  let inSection = false;
  let found = false;
  let fence: { bash: boolean; lines: string[] } | null = null;
  for (const line of markdown.split("\n")) {
    if (fence) {
      if (!line.startsWith("```")) fence.lines.push(line);
      else {
        if (inSection && fence.bash) blocks.push(fence.lines.join("\n"));
        fence = null;
      }
    } else if (line.startsWith("```")) {
      fence = { bash: line.trim() === "```bash", lines: [] };
    } else {
      const h = /^#{2,4} (.+)$/.exec(line);
      if (h) {
        inSection = h[1]!.trim() === heading;
        found ||= inSection;
      }
    }
  }
  if (!found) throw new Error(`README has no section "${heading}"`);
  return blocks;
}
