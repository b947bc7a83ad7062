-- AlterEnum
ALTER TYPE "ConversationPlatform" ADD VALUE 'whatsapp';


