/* proc.c: to be written */
#include "goinspect.h"
