// The layer rule of src/ (docs/architecture.md): a folder may import only folders on its own level or
// below. `npm test` runs it (test/layers/layers.test.ts), so a backward import fails the build instead
// of a review. Type-only imports count too: a type from a higher layer couples the code just the same.
//
// Order, lowest first; folders on one level may not import each other.
const LAYERS = [
  ["core"],
  ["syntax"],
  ["check", "format"],
  ["compile"],
  ["providers"],
  ["run"],
  ["score"],
  ["analyse", "adaptive"],
  ["report"],
  ["app"],
  ["cli"],
];

const folder = (name) => `^src/${name}/`;

const forbidden = LAYERS.flatMap((level, rank) =>
  level.map((name) => {
    // Everything above this level, and this level's other folders.
    const banned = [...LAYERS.slice(rank + 1).flat(), ...level.filter((other) => other !== name)];
    return {
      name: `layer-${name}`,
      comment: `src/${name} may import only ${LAYERS.slice(0, rank).flat().join(", ") || "nothing of ours"} (and itself): see docs/architecture.md`,
      severity: "error",
      from: { path: folder(name) },
      to: { path: `^src/(${banned.join("|")})/` },
    };
  }),
);

// A file directly under src/ or a folder not in the order would escape the rule: name it here first.
const known = LAYERS.flat().join("|");
forbidden.push({
  name: "layer-unknown-folder",
  comment: "every module under src/ lives in a folder of the layer order (add new folders to .dependency-cruiser.cjs)",
  severity: "error",
  from: { path: "^src/", pathNot: `^src/(${known})/` },
  to: {},
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    // Count `import type` too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // The sources import each other as ./x.js; resolve those to the .ts files.
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
