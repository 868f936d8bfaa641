/* The C shim over Debian's liblmdb-dev. No logic lives here. Annals itself uses
 * these declarations only in the AnnalsLMDB module, which hides them; the benchmark
 * (AnnalsBench) also calls them directly, for its raw-LMDB baselines. */
#ifndef ANNALS_CLMDB_SHIM_H
#define ANNALS_CLMDB_SHIM_H
#include <lmdb.h>
#endif
