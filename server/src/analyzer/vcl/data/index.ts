// Varnish knowledge tables for the VCL analyzer: versions and scopes, the built-in VCL and subroutines, legal
// return actions, variables (with the removed Varnish 2/3 syntax) and functions. Pure data and lookups.
export * from './versions';
export * from './builtin';
export * from './returns';
export * from './variables';
export * from './functions';
