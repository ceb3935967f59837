"""The command line (`emr-jobs`): parse arguments, call one function of the rooms below, print."""
