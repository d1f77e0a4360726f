// The names index.d.ts declares as values (classes, functions, constants),
// read with the TypeScript compiler the tests already use for the types.
'use strict';
const path = require('node:path');
const ts = require('typescript');

function declaredValues() {
  const file = path.join(__dirname, '..', 'index.d.ts');
  const program = ts.createProgram([file], { noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file));
  return checker.getExportsOfModule(module)
    .filter((symbol) => symbol.flags & ts.SymbolFlags.Value)
    .map((symbol) => symbol.getName())
    .sort();
}

module.exports = { declaredValues };
