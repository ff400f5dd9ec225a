/* goinspect: the live target (attach.c, remote.c, dwarf.c, pclntab.c, goroutines.c). */
#ifndef GOINSPECT_TARGET_H
#define GOINSPECT_TARGET_H
#include "goinspect.h"
#endif
