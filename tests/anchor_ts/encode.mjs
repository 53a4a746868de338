// Encode instructions with the official Anchor TypeScript client (BorshCoder)
// from an IDL file, so tests can compare its bytes with our Python client's.
//
// stdin:  {"idl": "<path>", "instructions": [{"name": "<ix name as in the IDL>", "args": {...}}]}
// stdout: {"encoded": ["<hex>", ...]}
//
// Argument values are plain JSON, converted by walking the IDL's own types:
// 64/128-bit integers as decimal strings, pubkeys as base58, bytes as hex,
// options as null or the value, enums as {"Variant": {fields}} or {"Variant": [..]}.
import { readFileSync } from "node:fs";
import anchor from "@coral-xyz/anchor";

const { BorshCoder, BN, web3 } = anchor;

function convert(type, value, types) {
  if (typeof type === "string") {
    switch (type) {
      case "u64": case "i64": case "u128": case "i128": case "u256": case "i256":
        return new BN(String(value));
      case "pubkey": case "publicKey":
        return new web3.PublicKey(value);
      case "bytes":
        return Buffer.from(value, "hex");
      default:
        return value; // bool, string, u8..i32, f32/f64
    }
  }
  if (type.option !== undefined) return value === null ? null : convert(type.option, value, types);
  if (type.coption !== undefined) return value === null ? null : convert(type.coption, value, types);
  if (type.vec !== undefined) return value.map((v) => convert(type.vec, v, types));
  if (type.array !== undefined) return value.map((v) => convert(type.array[0], v, types));
  if (type.defined !== undefined) {
    const name = typeof type.defined === "string" ? type.defined : type.defined.name;
    const def = types.find((t) => t.name === name);
    if (!def) throw new Error(`type ${name} not in IDL`);
    return convertDefined(def.type, value, types);
  }
  throw new Error(`unsupported IDL type ${JSON.stringify(type)}`);
}

function convertFields(fields, value, types) {
  if (!fields) return {};
  if (fields.length && typeof fields[0] === "object" && "name" in fields[0]) {
    const out = {};
    for (const f of fields) out[f.name] = convert(f.type, value[f.name], types);
    return out;
  }
  return fields.map((t, i) => convert(t, value[i], types)); // tuple fields
}

function convertDefined(def, value, types) {
  if (def.kind === "struct") return convertFields(def.fields, value, types);
  if (def.kind === "enum") {
    const [variantName] = Object.keys(value);
    const variant = def.variants.find((v) => v.name === variantName);
    if (!variant) throw new Error(`enum has no variant ${variantName}`);
    return { [variantName]: convertFields(variant.fields, value[variantName], types) };
  }
  throw new Error(`unsupported defined kind ${def.kind}`);
}

const request = JSON.parse(readFileSync(0, "utf8"));
const idl = JSON.parse(readFileSync(request.idl, "utf8"));
const coder = new BorshCoder(idl);
const types = idl.types ?? [];
const encoded = request.instructions.map(({ name, args }) => {
  const ix = idl.instructions.find((i) => i.name === name);
  if (!ix) throw new Error(`instruction ${name} not in IDL`);
  const converted = {};
  for (const a of ix.args) converted[a.name] = convert(a.type, args[a.name], types);
  return coder.instruction.encode(name, converted).toString("hex");
});
process.stdout.write(JSON.stringify({ encoded }));
