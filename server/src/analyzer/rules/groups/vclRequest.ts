// VCL cache-policy rules on the request side (vcl_recv, vcl_hash, purge/ban), in catalogue order. Each rule lives in its own file under ../vcl/.
import type { Rule } from '../rule';
import recvReturnHashBypassesBuiltin from '../vcl/recv-return-hash-bypasses-builtin';
import purgeWithoutAcl from '../vcl/purge-without-acl';
import banEveryRequest from '../vcl/ban-every-request';
import passUnconditional from '../vcl/pass-unconditional';
import pipeUnconditional from '../vcl/pipe-unconditional';
import hashHighCardinality from '../vcl/hash-high-cardinality';
import hashLookupWithoutUrl from '../vcl/hash-lookup-without-url';
import hashAlwaysMissUnguarded from '../vcl/hash-always-miss-unguarded';

export const VCL_REQUEST_RULES: readonly Rule[] = [
  recvReturnHashBypassesBuiltin,
  purgeWithoutAcl,
  banEveryRequest,
  passUnconditional,
  pipeUnconditional,
  hashHighCardinality,
  hashLookupWithoutUrl,
  hashAlwaysMissUnguarded,
];
