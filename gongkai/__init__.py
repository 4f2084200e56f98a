"""gongkai (公开): an open-government work platform for Chinese government organs."""
