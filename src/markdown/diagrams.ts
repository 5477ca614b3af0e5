/**
 * rehype plugin: marks each ```` ```mermaid ```` block for the diagram step
 * of the build (src/finish.ts), with the line it starts on, for a warning
 * about its syntax: positions are gone by then.
 */
import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import { isDiagram } from './captions.ts';

export default function rehypeDiagramBlocks() {
  return (tree: Root): undefined => {
    visit(tree, 'element', (node) => {
      if (!isDiagram(node)) return;
      node.properties.dataDiagram = 'mermaid';
      if (node.position) node.properties.dataLine = node.position.start.line;
      return 'skip';
    });
  };
}
