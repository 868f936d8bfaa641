/* The C shim over Debian's liblmdb-dev. No logic lives here: every use of
 * these declarations is in the AnnalsLMDB module, which hides them. */
#ifndef ANNALS_CLMDB_SHIM_H
#define ANNALS_CLMDB_SHIM_H
#include <lmdb.h>
#endif
