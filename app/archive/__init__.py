"""What is kept with a contract for the archive: attached files (review opinions, approval sheets, the scanned
signed original …), the check of what the office's settings require, and the archive packet (卷内目录 and all)."""
