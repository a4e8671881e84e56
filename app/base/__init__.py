"""Foundation: errors, translation, paths and data folders, file reading and writing, logs, who and when."""
