DROP TABLE chat_promises;
DROP TABLE chat_conversations;
