// VCL cache-policy rules on the response side (vcl_backend_response, vcl_deliver, built-in helpers), in catalogue order. Each rule lives in its own file under ../vcl/.
import type { Rule } from '../rule';
import deliverBypassesBuiltinChecks from '../vcl/deliver-bypasses-builtin-checks';
import unsetSetCookieUnscoped from '../vcl/unset-set-cookie-unscoped';
import ttlZeroEarlyReturn from '../vcl/ttl-zero-early-return';
import ttlZeroFallthrough from '../vcl/ttl-zero-fallthrough';
import uncacheableBroad from '../vcl/uncacheable-broad';
import passTtlBroad from '../vcl/pass-ttl-broad';
import varyHighCardinality from '../vcl/vary-high-cardinality';
import trackingCookiesNotStripped from '../vcl/tracking-cookies-not-stripped';
import graceDisabled from '../vcl/grace-disabled';
import surrogateControlMasksPrivate from '../vcl/surrogate-control-masks-private';
import builtinHelperDisabled from '../vcl/builtin-helper-disabled';
import cacheStatusNotObservable from '../vcl/cache-status-not-observable';

export const VCL_RESPONSE_RULES: readonly Rule[] = [
  deliverBypassesBuiltinChecks,
  unsetSetCookieUnscoped,
  ttlZeroEarlyReturn,
  ttlZeroFallthrough,
  uncacheableBroad,
  passTtlBroad,
  varyHighCardinality,
  trackingCookiesNotStripped,
  graceDisabled,
  surrogateControlMasksPrivate,
  builtinHelperDisabled,
  cacheStatusNotObservable,
];
