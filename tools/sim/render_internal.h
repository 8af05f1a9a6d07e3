/* Earshot simulator: rendering helpers shared between render files. */
#ifndef EARSHOT_SIM_RENDER_INTERNAL_H
#define EARSHOT_SIM_RENDER_INTERNAL_H

#include "render.h"

int sim_render_thunder(sim_render *r, size_t event);
/* An artillery shell's crack (render_crack.c); nothing when ev->crack is 0. */
int sim_render_crack_event(sim_render *r, size_t event);

#endif
