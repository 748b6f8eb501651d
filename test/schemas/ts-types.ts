// Compares a JSON Schema with the TypeScript type it describes, read with the TypeScript compiler API:
// every closed object of the schema must have exactly the type's properties (required = not optional),
// an open object must be a Record in the code, nullability and string/number literal unions must match.

import { join } from "node:path";
import ts from "typescript";

export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  definitions?: Record<string, SchemaNode>;
}

/** Type aliases for the files as written: `name` → a type expression over the given modules' exports. */
export interface TypeFiles {
  root: string;
  /** Module path (relative to root, .ts) → names to import from it. */
  imports: Record<string, string[]>;
  /** Alias → type expression, e.g. PlanFile: "Plan & { steps: PlanStep[] }". */
  aliases: Record<string, string>;
}

export interface TypeReader {
  /** Where `schema` and the alias `typeName` disagree, as "path: problem" lines. */
  compare(schema: SchemaNode, typeName: string): string[];
}

export function typeReader(files: TypeFiles): TypeReader {
  // A virtual module beside the tests declares the aliases, so intersections like Plan & { steps } exist.
  const virtualPath = join(files.root, "test", "schemas", "__schema-types__.ts");
  const imports = Object.entries(files.imports).map(
    ([module, names]) => `import type { ${names.join(", ")} } from "${join(files.root, module).replace(/\.ts$/, ".js")}";`,
  );
  const aliases = Object.entries(files.aliases).map(([name, expr]) => `export type ${name} = ${expr};`);
  const virtualText = [...imports, ...aliases].join("\n");
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === virtualPath ? ts.createSourceFile(name, virtualText, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === virtualPath || fileExists(name);
  const program = ts.createProgram([virtualPath], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(virtualPath);
  if (!source) throw new Error("the virtual type module did not load");
  const problems = ts.getPreEmitDiagnostics(program, source).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  if (problems.length > 0) throw new Error(`type aliases do not compile: ${problems.join("; ")}`);

  function aliasType(name: string): ts.Type {
    let found: ts.Type | undefined;
    source?.forEachChild((node) => {
      if (ts.isTypeAliasDeclaration(node) && node.name.text === name) found = checker.getTypeAtLocation(node.name);
    });
    if (!found) throw new Error(`no type alias ${name}`);
    return found;
  }

  return {
    compare(schema, typeName) {
      const out: string[] = [];
      const resolve = (node: SchemaNode): SchemaNode => {
        let n = node;
        while (n.$ref) {
          const name = /^#\/definitions\/(.+)$/.exec(n.$ref)?.[1];
          const target = name ? schema.definitions?.[name] : undefined;
          if (!target) throw new Error(`cannot resolve ${n.$ref}`);
          n = { ...target, ...Object.fromEntries(Object.entries(n).filter(([k]) => k !== "$ref")) };
        }
        return n;
      };
      walk(schema, aliasType(typeName), typeName, resolve, out, new Map());
      return out;
    },
  };

  function isNull(t: ts.Type): boolean {
    return (t.flags & ts.TypeFlags.Null) !== 0;
  }

  function literalValues(t: ts.Type): Array<string | number> | null {
    const members = t.isUnion() ? t.types : [t];
    if (!members.every((m) => m.isStringLiteral() || m.isNumberLiteral())) return null;
    return members.map((m) => (m as ts.LiteralType).value as string | number);
  }

  function schemaAllowsNull(node: SchemaNode, resolve: (n: SchemaNode) => SchemaNode): boolean {
    const n = resolve(node);
    if (n.const === null || n.enum?.includes(null)) return true;
    if (Array.isArray(n.type) ? n.type.includes("null") : n.type === "null") return true;
    return [...(n.oneOf ?? []), ...(n.anyOf ?? [])].some((b) => schemaAllowsNull(b, resolve));
  }

  /** `seen`: the definitions already compared with each type, so recursive ones (expr) end. */
  function walk(node: SchemaNode, type: ts.Type, path: string, resolve: (n: SchemaNode) => SchemaNode, out: string[], seen: Map<ts.Type, Set<string>>): void {
    if (node.$ref) {
      const refs = seen.get(type) ?? new Set<string>();
      if (refs.has(node.$ref)) return;
      seen.set(type, refs.add(node.$ref));
    }
    const n = resolve(node);
    const typeNullable = type.isUnion() ? type.types.some(isNull) : isNull(type);
    if (typeNullable !== schemaAllowsNull(n, resolve)) {
      out.push(`${path}: the type ${typeNullable ? "allows" : "does not allow"} null, the schema ${typeNullable ? "does not" : "does"}`);
    }
    const t = checker.getNonNullableType(type);

    const branches = [...(n.oneOf ?? []), ...(n.anyOf ?? [])].map(resolve).filter((b) => b.type !== "null");
    if (branches.length > 0) {
      const members = t.isUnion() ? t.types : [t];
      for (const branch of branches) {
        // A tagged union (`kind`) pairs branches with members by the tag; otherwise each branch is the type.
        const tag = branch.properties?.["kind"]?.const;
        const member =
          tag === undefined
            ? t
            : members.find((m) => {
                const kind = m.getProperty("kind");
                const kindType = kind ? checker.getTypeOfSymbol(kind) : undefined;
                return kindType?.isStringLiteral() === true && kindType.value === tag;
              });
        if (!member) out.push(`${path}: the schema has a branch kind=${String(tag)} the type does not`);
        else walk(branch, member, tag === undefined ? path : `${path}<${String(tag)}>`, resolve, out, seen);
      }
      const tags = branches.map((b) => b.properties?.["kind"]?.const).filter((x) => x !== undefined);
      if (tags.length > 0 && tags.length !== members.length) out.push(`${path}: ${members.length} kinds in the type, ${tags.length} in the schema`);
      return;
    }

    const literals = literalValues(t);
    const allowed = n.const !== undefined ? [n.const] : n.enum?.filter((v) => v !== null);
    if (literals && allowed && JSON.stringify([...literals].sort()) !== JSON.stringify([...allowed].sort())) {
      out.push(`${path}: the type allows ${JSON.stringify(literals)}, the schema ${JSON.stringify(allowed)}`);
    }

    const typeNames = Array.isArray(n.type) ? n.type : n.type !== undefined ? [n.type] : [];
    if (n.properties !== undefined || n.additionalProperties !== undefined || typeNames.includes("object")) {
      const open = n.additionalProperties !== false;
      const indexed = checker.getIndexInfosOfType(t).length > 0;
      if (open !== indexed) {
        out.push(`${path}: the schema is ${open ? "open" : "closed"}, the type ${indexed ? "is a record" : "has fixed properties"}`);
      }
      if (!open) {
        const props = checker.getPropertiesOfType(t);
        const propNames = props.map((p) => p.name).sort();
        const schemaNames = Object.keys(n.properties ?? {}).sort();
        for (const name of propNames.filter((x) => !schemaNames.includes(x))) out.push(`${path}.${name}: in the type, not in the schema`);
        for (const name of schemaNames.filter((x) => !propNames.includes(x))) out.push(`${path}.${name}: in the schema, not in the type`);
        const required = new Set(n.required ?? []);
        for (const p of props) {
          const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
          if (schemaNames.includes(p.name) && optional === required.has(p.name)) {
            out.push(`${path}.${p.name}: ${optional ? "optional in the type, required in the schema" : "required in the type, optional in the schema"}`);
          }
          const child = n.properties?.[p.name];
          if (child) walk(child, checker.getTypeOfSymbol(p), `${path}.${p.name}`, resolve, out, seen);
        }
      }
      return;
    }

    if (n.items) {
      if (!checker.isArrayType(t)) out.push(`${path}: an array in the schema, not in the type`);
      else {
        const [element] = checker.getTypeArguments(t as ts.TypeReference);
        if (element) walk(n.items, element, `${path}[]`, resolve, out, seen);
      }
    }
  }
}
