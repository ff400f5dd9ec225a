/* elfinfo.c: to be written */
#include "goinspect.h"
