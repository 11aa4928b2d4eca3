import { describe, expect, it } from 'vitest';
import { parseYamlSource, pathText } from './yaml-source.js';

const TEXT = `version: 1
pipelines:
  - name: a
    output:
      target: TCP:h:1
  - {name: b, output: {}}
`;

describe('parseYamlSource', () => {
  it('places a value, a key and a missing key (at its parent) by 1-based line and column', () => {
    const source = parseYamlSource(TEXT);
    expect(source.syntaxProblems).toEqual([]);
    expect(source.problemAt(['pipelines', 0, 'output', 'target'], 'm')).toMatchObject({ line: 5, col: 15 });
    expect(source.problemAt(['pipelines', 0, 'output', 'target'], 'm', true)).toMatchObject({ line: 5, col: 7 });
    expect(source.problemAt(['pipelines', 1, 'output', 'target'], 'm')).toMatchObject({ line: 6, col: 23 });
    expect(source.problemAt(['pipelines', 1], 'm')).toMatchObject({ line: 6, col: 5 });
    expect(source.problemAt([], 'm')).toMatchObject({ line: 1, col: 1 });
  });

  it('reports a duplicate key with its key path, and a syntax error without one', () => {
    const duplicate = parseYamlSource('version: 1\npipelines:\n  - name: a\n    name: b\n');
    expect(duplicate.value).toBeUndefined();
    expect(duplicate.syntaxProblems).toEqual([
      { line: 4, col: 5, path: ['pipelines', 0, 'name'], message: 'Map keys must be unique' },
    ]);
    const broken = parseYamlSource('version: 1\npipelines: [a\n');
    expect(broken.syntaxProblems.length).toBeGreaterThan(0);
    expect(broken.syntaxProblems.every((problem) => problem.path.length === 0)).toBe(true);
    expect(broken.syntaxProblems[0]?.message).not.toContain('\n');
  });
});

describe('pathText', () => {
  it('writes list indexes in brackets and keys after dots', () => {
    expect(pathText(['pipelines', 1, 'output', 'framing'])).toBe('pipelines[1].output.framing');
    expect(pathText(['version'])).toBe('version');
    expect(pathText([])).toBe('');
  });
});
