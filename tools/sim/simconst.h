/* Earshot simulator: shared constants. */
#ifndef EARSHOT_SIM_CONST_H
#define EARSHOT_SIM_CONST_H

#define SIM_PI 3.14159265358979323846
#define SIM_P_REF_PA 20e-6          /* dB SPL reference pressure, 20 uPa */
#define SIM_DEG (SIM_PI / 180.0)

#endif
