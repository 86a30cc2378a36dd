// VCL cache-policy rules on the response side (vcl_backend_response, vcl_deliver, built-in helpers), in catalogue order. Each rule lives in its own file under ../vcl/.
import type { Rule } from '../rule';

export const VCL_RESPONSE_RULES: readonly Rule[] = [];
