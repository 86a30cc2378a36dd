// VCL cache-policy rules on the request side (vcl_recv, vcl_hash, purge/ban), in catalogue order. Each rule lives in its own file under ../vcl/.
import type { Rule } from '../rule';

export const VCL_REQUEST_RULES: readonly Rule[] = [];
