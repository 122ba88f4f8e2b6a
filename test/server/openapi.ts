// /openapi/v2 as client-go fetches it: a protobuf-encoded gnostic openapi_v2.Document
// (github.com/google/gnostic-models/openapiv2/OpenAPIv2.proto). It is deliberately empty: kubectl
// then skips client-side schema validation for kinds it cannot find, and computes strategic merge
// patches from its compiled-in Go types, which is what it does for any kind missing from a real
// server's spec. /openapi/v3 stays 404, so kubectl falls back to this document.
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

function field(num: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([...varint((num << 3) | 2), ...varint(payload.length)]), payload]);
}

const str = (num: number, s: string): Buffer => field(num, Buffer.from(s, 'utf8'));

export function openApiV2Document(version: string): Buffer {
  const info = Buffer.concat([str(1, 'Kubernetes'), str(2, version)]);
  // Document: swagger = 1, info = 2, paths = 8.
  return Buffer.concat([str(1, '2.0'), field(2, info), field(8, Buffer.alloc(0))]);
}
