// An independent check of a Bekwaam badge (VC-JWT), with the `jose` library: not our code.
// usage: node verify_vc_jwt.mjs CREDENTIAL.jwt DID.json STATUSLIST.jwt
// Prints {"verified": bool, "revoked": bool, "error": "..."}; exit 0 only when verified and
// not revoked. Everything comes from the files given: nothing is fetched.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";

const [tokenFile, didFile, statusFile] = process.argv.slice(2);
const didDocument = JSON.parse(readFileSync(didFile, "utf8"));

async function verifyWithDid(token) {
  const { kid, alg } = decodeProtectedHeader(token);
  if (alg !== "EdDSA" || !kid) throw new Error(`unexpected header alg=${alg} kid=${kid}`);
  const did = kid.split("#")[0];
  if (did !== didDocument.id) throw new Error(`kid ${kid} is not of ${didDocument.id}`);
  if (!didDocument.assertionMethod.includes(kid)) throw new Error(`${kid} may not assert`);
  const method = didDocument.verificationMethod.find((m) => m.id === kid);
  if (!method) throw new Error(`no key ${kid} in the DID document`);
  const key = await importJWK(method.publicKeyJwk, "EdDSA");
  const { payload } = await jwtVerify(token, key, { issuer: did, algorithms: ["EdDSA"] });
  return payload;
}

function bitAt(encodedList, index) {
  if (!encodedList.startsWith("u")) throw new Error("encodedList is not multibase base64url");
  const bits = gunzipSync(Buffer.from(encodedList.slice(1), "base64url"));
  if (index >= bits.length * 8) throw new Error("status index outside the list");
  return (bits[Math.floor(index / 8)] >> (7 - (index % 8))) & 1;
}

const result = { verified: false, revoked: null };
try {
  const payload = await verifyWithDid(readFileSync(tokenFile, "utf8").trim());
  const vc = payload.vc;
  if (!vc.type.includes("VerifiableCredential") || !vc.type.includes("OpenBadgeCredential")) {
    throw new Error("not an OpenBadgeCredential");
  }
  const achievement = vc.credentialSubject.achievement;
  if (!achievement || !achievement.criteria || !achievement.criteria.narrative) {
    throw new Error("no achievement with criteria");
  }
  if (payload.jti !== vc.id || payload.iss !== vc.issuer.id) throw new Error("claims differ");
  result.verified = true;
  result.achievement = achievement.humanCode;
  const status = vc.credentialStatus;
  const list = await verifyWithDid(readFileSync(statusFile, "utf8").trim());
  if (list.vc.id !== status.statusListCredential) throw new Error("another status list");
  if (list.vc.credentialSubject.statusPurpose !== status.statusPurpose) {
    throw new Error("status purpose differs");
  }
  result.revoked = bitAt(list.vc.credentialSubject.encodedList, Number(status.statusListIndex)) === 1;
} catch (error) {
  result.error = String(error.message || error);
}
console.log(JSON.stringify(result));
process.exit(result.verified && result.revoked === false ? 0 : 1);
