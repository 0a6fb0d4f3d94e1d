/* A stand-in for a runtime source, for tests/stages/install.sh: built and
 * installed the way the runtime's sources are, it shows that the runtime
 * library, its soname, headers and pkg-config file work for a program
 * outside the tree.  It includes a runtime header as runtime sources do,
 * so the build proves that -Iruntime is all they need. */
#include "qapic/types.h"

int qapic_probe_answer(void);

int qapic_probe_answer(void)
{
    return 42;
}
