/* Earshot: the subcommands of the `earshot` program. Each takes the
 * arguments after its name (argv[0] is the subcommand) and returns the
 * process exit status of the contract: 0 success, 2 bad usage, config or
 * input, 1 failure at run time. */
#ifndef EARSHOT_ENGINE_COMMANDS_H
#define EARSHOT_ENGINE_COMMANDS_H

int es_cmd_replay(int argc, char **argv);   /* engine/cmd_replay.c */
int es_cmd_demo(int argc, char **argv);     /* engine/cmd_demo.c */
int es_cmd_check(int argc, char **argv);    /* engine/cmd_check.c */
int es_cmd_devices(int argc, char **argv);  /* engine/devices.c */
int es_cmd_run(int argc, char **argv);      /* engine/cmd_run.c */
int es_cmd_keygen(int argc, char **argv);   /* engine/cmd_keygen.c */
/* The process PortAudio runs in for `earshot run` (engine/capture_helper.c);
 * started by the engine itself as `earshot _capture-helper FD PID`. */
int es_cmd_capture_helper(int argc, char **argv);

enum { ES_EXIT_OK = 0, ES_EXIT_RUNTIME = 1, ES_EXIT_USAGE = 2 };

#endif
